environment         = "dev"
region              = "eu-west-1"
availability_zones  = 1
multi_az            = false
deletion_protection = false
