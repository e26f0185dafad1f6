environment         = "prod"
region              = "eu-west-1"
availability_zones  = 3
multi_az            = true
deletion_protection = true
